"""Reading files and recognising what they hold."""
