"""The review TUI: a Textual shell over workbench.review."""
