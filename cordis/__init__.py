"""The CORDIS open-data import: reading the files and their values, and writing them set-wise.

It owns no models: it writes the projects' and organizations' (see each model module's list of
the fields the import owns).
"""
