"""What the tools are configured with, and where each value comes from: one home for both front
ends and the language server."""
