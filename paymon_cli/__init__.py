"""The `paymon` command line: offline screening commands and the stream commands."""
