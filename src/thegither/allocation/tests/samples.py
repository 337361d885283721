"""Small elections that tests share, worked out by hand.

Three projects (Park 60, Library 50, Bikes 40), a budget of 100 and four voters.
"""

SMALL = """META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
a;60;Park
b;50;Library
c;40;Bikes
VOTES
voter_id;vote
1;a,b
2;b,a
3;c
4;a
"""
