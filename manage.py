#!/usr/bin/env python
"""Django's usual entry point; the same as the ``pingji`` console script."""

from pingji.cli import main

if __name__ == "__main__":
    main()
