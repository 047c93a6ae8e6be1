"""Matching engine: ranks competence holders, peer companies and regional suppliers for a need.

The engine core (``text``, ``synonyms``, ``lexicons``, ``geo``, ``engine``, ``rerank``) is plain
Python: it imports without Django set up, so that a Django app can persist the documents and call
it, and so that the benchmark and the tests run without a database.
"""
