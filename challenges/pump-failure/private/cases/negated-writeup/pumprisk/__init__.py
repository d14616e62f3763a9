"""pumprisk: which pump inspections need a crew first."""
