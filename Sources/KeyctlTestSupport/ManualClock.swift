import KeyStore
