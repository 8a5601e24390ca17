# Creates the deployments of flows/flows.py with Prefect's SDK: python deploy.py SOURCE_DIR WORK_POOL
import sys
from prefect import flow

source, pool = sys.argv[1], sys.argv[2]
for name in ["hello", "broken"]:
    deployment_id = flow.from_source(source=source, entrypoint=f"flows.py:{name}").deploy(
        name=name, work_pool_name=pool, print_next_steps=False
    )
    print(f"DEPLOYMENT {name} {deployment_id}")
