"""The bilingual field taxonomy (seed and database copy) and Hai Phong's hometowns."""
