"""Every `homeweave ...` command (click); `main` is the entry point."""
