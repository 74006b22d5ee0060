"""Services: the coordinator's use cases. They own transactions and raise ServiceError."""
