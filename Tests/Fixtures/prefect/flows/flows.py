from prefect import flow

@flow
def hello():
    print("hello from pushgate")

@flow
def broken():
    raise RuntimeError("this flow fails")
