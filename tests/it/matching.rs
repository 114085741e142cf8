//! Matchmaking: enterprise demands against patents and technology offers, both ways.
