"""The rules: one module per code or tight family, each declaring ``RULE`` (see ``base.Rule``).

``registry`` lists them; the engine runs their checks over what the analysis recorded. A rule decides
*whether* and *where*, and says it with its own code's message template; it never parses, walks or
rewrites anything.
"""
