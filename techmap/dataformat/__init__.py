"""The dataset format: columns and service areas, reading, checking and loading a dataset folder."""
