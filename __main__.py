"""``python -m slimmeregio``: the command line (without a command, the desktop application)."""

from slimmeregio.cli import main

if __name__ == "__main__":
    main()
