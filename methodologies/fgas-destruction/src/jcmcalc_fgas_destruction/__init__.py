"""F-gas recovery and destruction (reconstructed, not an approved JCM methodology) for jcmcalc."""
