"""Invoices: a member asks another to pay; the payer accepts (it pays) or declines."""
