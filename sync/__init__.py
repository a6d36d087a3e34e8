"""Data crossing a boundary: export readers, watcher, wire protocol, server, client, daemon."""
