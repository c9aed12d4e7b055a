"""Map pages: the review map (`review`), reallocation (`reallocation`) and the archive
repository siting study with its hazard layers (`siting`)."""
