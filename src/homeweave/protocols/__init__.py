"""Wire code, library-shaped: each sub-package speaks one ecosystem's protocol and imports only
``homeweave.transport`` (never the hub), so it could be lifted into its own distribution."""
