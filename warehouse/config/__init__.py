"""The warehouse's configuration, one named part: the settings object (settings.py), the authority
profiles (profiles.py), the sources (sources.py) and the one YAML loader they all read with
(yaml_file.py). Data, not code: the YAML lives in config/."""
