"""The knowledge base: categories, sections and articles, their versions, search and the
figures (views, votes, searches without an answer, deflected requests) that tell a team
which article to write next."""
