"""The writes of the people app, one module per family (callers import from the module itself):

- ``persons``: registering, changing and removing a person, and the refusal of an identity number
  held outside the actor's area;
- ``households``: registering, moving and removing a household;
- ``reveal``: the audited reveal of a person's plain identity data;
- ``search``: the blind identity search, recorded like a reveal (decision 0031);
- ``merge``: merging two records of one person.
"""
