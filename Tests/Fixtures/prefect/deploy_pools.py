# Creates work pools and deployments with Prefect's SDK and starts runs of each deployment:
#   python deploy_pools.py SOURCE_DIR SPEC_JSON_FILE
# SPEC: [{"pool": NAME, "type": PREFECT_TYPE, "template": PATH,
#         "deployments": [{"name": N, "job_variables": {...}, "runs": COUNT (default 1)}]}]
# Prints "RUN <deployment> <flow run id>" per run.
import asyncio, json, sys
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments import run_deployment

source = sys.argv[1]
with open(sys.argv[2]) as f:
    spec = json.load(f)


async def create_pools():
    async with get_client() as client:
        for pool in spec:
            with open(pool["template"]) as f:
                template = json.load(f)
            await client.create_work_pool(WorkPoolCreate(name=pool["pool"], type=pool["type"], base_job_template=template))


asyncio.run(create_pools())
for pool in spec:
    for deployment in pool["deployments"]:
        variables = deployment["job_variables"]
        flow.from_source(source=source, entrypoint="flows.py:hello").deploy(
            name=deployment["name"], work_pool_name=pool["pool"], image=variables.get("image"), build=False, push=False,
            job_variables=variables, print_next_steps=False,
        )
        for _ in range(deployment.get("runs", 1)):
            run = run_deployment(f"hello/{deployment['name']}", timeout=0)
            print(f"RUN {deployment['name']} {run.id}", flush=True)
