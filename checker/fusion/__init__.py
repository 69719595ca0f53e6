"""Which value is best supported: truth discovery over a table of claims (`claimcheck resolve`)."""
