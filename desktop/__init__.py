"""ShutterSense desktop: the PySide6 app and the agent runtime of a photographer's machine."""
