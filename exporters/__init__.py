"""Files for people: work lists, province reports, CID batches."""
