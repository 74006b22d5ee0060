"""The agent runtime: registration, credentials, authorized roots, the coordinator client, the
offline store, and the loop that claims, runs and reports jobs. No Qt here: the CLI and the
desktop app both drive it."""
