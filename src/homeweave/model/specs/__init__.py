"""Published MIoT spec JSON files shipped with homeweave, read by ``model.catalog``."""
