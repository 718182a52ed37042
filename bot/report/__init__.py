"""The failure-landscape report: aggregate stored decisions (or labelled records) into tables and one HTML page."""
