#!/usr/bin/env python3
"""Sets up and inspects the loopback moto server for keyctl's integration tests, with boto3
(installed with moto), so that tests check AWS state through another client than keyctl's.

  cloud.py ENDPOINT sm-create NAME VALUE    create a secret
  cloud.py ENDPOINT sm-delete NAME          schedule a secret for deletion (recoverable for 7 days)
  cloud.py ENDPOINT iam-user NAME           create a user with one access key -> {"id", "secret"}
  cloud.py ENDPOINT iam-key NAME            add an access key to a user -> {"id"}
  cloud.py ENDPOINT state SECRET USER       -> {"current": value, "stages": {version: [stages]},
                                                "values": {version: value}, "keys": [{"id", "status"}]}
"""
import json
import sys

import boto3

endpoint, command, *args = sys.argv[1:]
session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
sm = session.client("secretsmanager", endpoint_url=endpoint)
iam = session.client("iam", endpoint_url=endpoint)

if command == "sm-create":
    sm.create_secret(Name=args[0], SecretString=args[1])
elif command == "sm-delete":
    sm.delete_secret(SecretId=args[0], RecoveryWindowInDays=7)
elif command == "iam-user":
    iam.create_user(UserName=args[0])
    key = iam.create_access_key(UserName=args[0])["AccessKey"]
    print(json.dumps({"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}))
elif command == "iam-key":
    key = iam.create_access_key(UserName=args[0])["AccessKey"]
    print(json.dumps({"id": key["AccessKeyId"]}))
elif command == "state":
    secret, user = args
    state = {"current": None, "stages": {}, "values": {}, "keys": []}
    if secret != "-":
        stages = sm.describe_secret(SecretId=secret)["VersionIdsToStages"]
        state["stages"] = stages
        state["values"] = {v: sm.get_secret_value(SecretId=secret, VersionId=v)["SecretString"] for v in stages}
        state["current"] = sm.get_secret_value(SecretId=secret, VersionStage="AWSCURRENT")["SecretString"]
    if user != "-":
        state["keys"] = [{"id": k["AccessKeyId"], "status": k["Status"]} for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]]
    print(json.dumps(state))
else:
    sys.exit(f"unknown command {command}")
