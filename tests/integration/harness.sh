#!/bin/sh
exec sh "$@"
