"""Who answers which ticket: agents' presence and capacity, teams' assignment policies
(manual, round-robin, least-loaded, skills-based), overflow and re-assignment."""
