"""What every app shares and no app owns: small building blocks with no models of their own."""
