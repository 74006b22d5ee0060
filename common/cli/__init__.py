"""The `shuttersense` command: standalone analysis of a folder and the demo collection."""
