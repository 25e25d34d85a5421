"""Text in: turning files, pasted text and (later) links into Articles. The only network code."""
