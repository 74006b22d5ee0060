"""`shuttersense-agent`: the agent runtime on the command line (headless servers, systemd)."""
