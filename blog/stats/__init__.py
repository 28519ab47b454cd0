"""How often entries are read: the live counter (`counter`), the daily breakdown (`daily`),
their models and the admin's charts."""
