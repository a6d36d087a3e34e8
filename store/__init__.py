"""The data: tables, engine and migrations, reference tables and the rules applied to them."""
