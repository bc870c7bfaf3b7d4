# -*- coding: utf-8 -*-
from setuptools import setup

# Metadata lives in pyproject.toml; setup.py remains for Babel's message
# extractors, which pyproject.toml cannot express.
setup(
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
            # e-mail bodies and subjects (lib/notifications.py renders them)
            ("**/templates/emails/**.txt", "ckan", None),
        ],
    },
)
