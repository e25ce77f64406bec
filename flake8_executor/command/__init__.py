"""``executor-fix``, the command: flags and configuration, files, worker processes, the summary.

The fixing itself is ``flake8_executor.fix``; this package only feeds it files and settings and
reports what became of each finding.
"""
