import logging
from flask import Flask
import pandera as pa

app = Flask(__name__)
