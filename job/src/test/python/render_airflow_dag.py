"""Imports an Airflow DAG file with stub airflow modules, renders its SparkSubmitOperator's
templated fields with jinja2 for one logical date, and prints, as a JSON list, the spark-submit
command line the provider's SparkSubmitHook would run for them.

Usage: render_airflow_dag.py DAG_FILE TASK_ID DS MASTER

MASTER stands for the Airflow connection's host (conn_id spark_default). Airflow itself is not
installed here: the stubs keep what the DAG file uses, and the operator's template_fields and
the command's layout follow apache-airflow-providers-apache-spark (operators/spark_submit.py,
hooks/spark_submit.py: _build_spark_submit_command).
"""
import importlib.util
import json
import sys
import types
from datetime import datetime

import jinja2


class DAG:
    """What `with DAG(...) as dag:` needs; collects the tasks created inside it."""
    current = None

    def __init__(self, dag_id, default_args=None, **kwargs):
        self.dag_id = dag_id
        self.default_args = default_args or {}
        self.kwargs = kwargs
        self.tasks = {}

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None
        return False


class SparkSubmitOperator:
    """The provider operator's arguments; template_fields as the provider declares them."""
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path",
                       "packages", "exclude_packages", "keytab", "principal", "proxy_user",
                       "name", "application_args", "env_vars", "properties_file")

    def __init__(self, task_id, application="", conf=None, conn_id="spark_default", files=None,
                 py_files=None, archives=None, driver_class_path=None, jars=None,
                 java_class=None, packages=None, exclude_packages=None, repositories=None,
                 total_executor_cores=None, executor_cores=None, executor_memory=None,
                 driver_memory=None, keytab=None, principal=None, proxy_user=None,
                 name="arrow-spark", num_executors=None, status_poll_interval=1,
                 application_args=None, env_vars=None, verbose=False,
                 spark_binary=None, properties_file=None, queue=None, deploy_mode=None,
                 **base_operator_args):
        if DAG.current is None:
            raise RuntimeError("operator " + task_id + " created outside a DAG")
        self.task_id = task_id
        self.application = application
        self.conf = conf
        self.conn_id = conn_id
        self.files = files
        self.py_files = py_files
        self.archives = archives
        self.driver_class_path = driver_class_path
        self.jars = jars
        self.java_class = java_class
        self.packages = packages
        self.exclude_packages = exclude_packages
        self.repositories = repositories
        self.total_executor_cores = total_executor_cores
        self.executor_cores = executor_cores
        self.executor_memory = executor_memory
        self.driver_memory = driver_memory
        self.keytab = keytab
        self.principal = principal
        self.proxy_user = proxy_user
        self.name = name
        self.num_executors = num_executors
        self.application_args = application_args
        self.env_vars = env_vars
        self.verbose = verbose
        self.spark_binary = spark_binary
        self.properties_file = properties_file
        self.queue = queue
        self.deploy_mode = deploy_mode
        self.base_operator_args = {**DAG.current.default_args, **base_operator_args}
        DAG.current.tasks[task_id] = self


def install_stubs():
    modules = {
        "airflow": {"DAG": DAG},
        "airflow.providers": {},
        "airflow.providers.apache": {},
        "airflow.providers.apache.spark": {},
        "airflow.providers.apache.spark.operators": {},
        "airflow.providers.apache.spark.operators.spark_submit":
            {"SparkSubmitOperator": SparkSubmitOperator},
    }
    for name, attributes in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        module.__path__ = []
        sys.modules[name] = module


def render(value, env, context):
    """As Airflow renders a templated field: strings, and the strings inside lists and dicts."""
    if isinstance(value, str):
        return env.from_string(value).render(**context)
    if isinstance(value, (list, tuple)):
        return [render(v, env, context) for v in value]
    if isinstance(value, dict):
        return {k: render(v, env, context) for k, v in value.items()}
    return value


def spark_submit_command(op, master):
    """SparkSubmitHook._build_spark_submit_command for a connection with this master."""
    cmd = [op.spark_binary or "spark-submit", "--master", master]
    for key, value in (op.conf or {}).items():
        cmd += ["--conf", f"{key}={value}"]
    for flag, value in (("--properties-file", op.properties_file), ("--files", op.files),
                        ("--py-files", op.py_files), ("--archives", op.archives),
                        ("--driver-class-path", op.driver_class_path), ("--jars", op.jars),
                        ("--packages", op.packages),
                        ("--exclude-packages", op.exclude_packages),
                        ("--repositories", op.repositories),
                        ("--num-executors", op.num_executors),
                        ("--total-executor-cores", op.total_executor_cores),
                        ("--executor-cores", op.executor_cores),
                        ("--executor-memory", op.executor_memory),
                        ("--driver-memory", op.driver_memory), ("--keytab", op.keytab),
                        ("--principal", op.principal), ("--proxy-user", op.proxy_user),
                        ("--name", op.name), ("--class", op.java_class)):
        if value:
            cmd += [flag, str(value)]
    if op.verbose:
        cmd += ["--verbose"]
    if op.queue:
        cmd += ["--queue", op.queue]
    if op.deploy_mode:
        cmd += ["--deploy-mode", op.deploy_mode]
    cmd += [op.application]
    return cmd + list(op.application_args or [])


def main(dag_file, task_id, ds, master):
    install_stubs()
    spec = importlib.util.spec_from_file_location("dag_under_test", dag_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dags = [v for v in vars(module).values() if isinstance(v, DAG)]
    if len(dags) != 1:
        raise SystemExit(f"{dag_file}: expected one DAG, found {len(dags)}")
    op = dags[0].tasks[task_id]
    # Airflow renders with StrictUndefined: a misspelt variable fails instead of vanishing.
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    logical_date = datetime.strptime(ds, "%Y-%m-%d")
    context = {"ds": ds, "ds_nodash": ds.replace("-", ""), "logical_date": logical_date,
               "dag": dags[0], "task": op}
    for field in SparkSubmitOperator.template_fields:
        setattr(op, field, render(getattr(op, field), env, context))
    print(json.dumps({"dag_id": dags[0].dag_id, "retries": op.base_operator_args.get("retries"),
                      "command": spark_submit_command(op, master)}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
