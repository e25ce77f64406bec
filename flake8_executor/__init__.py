"""flake8-executor: blocking calls on the asyncio event loop and executor misuse, found and fixed."""

__version__ = "0.1.0"
