"""pumpwatch: 30-day failure risk for pump inspections."""
