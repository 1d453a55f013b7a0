"""Tools for LWKD's writers: start next week's issue, check an issue before it is published."""
