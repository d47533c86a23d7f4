"""The Qt-free core: records, database, file formats and services used by the CLI and the GUI."""
