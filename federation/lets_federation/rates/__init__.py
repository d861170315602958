"""Exchange rates of each scheme's currency to the federation unit, with their history."""
