"""Booking actions (search_bookings, get_booking, …)."""
