"""MLflow's REST API served over provgraph (issue 15): the stock mlflow client logs here unchanged.

Wire shapes stay in this package; every call goes to the services GraphQL uses (one set of rules, two
protocols). `routes.py` lists what is served."""
