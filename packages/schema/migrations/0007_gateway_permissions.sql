CREATE TABLE `gateway_endpoint_permissions` (
	`endpoint_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`permission` text NOT NULL,
	PRIMARY KEY(`user_id`, `endpoint_id`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `gateway_endpoints`(`endpoint_id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `gateway_endpoint_permissions_endpoint` ON `gateway_endpoint_permissions` (`endpoint_id`);--> statement-breakpoint
CREATE TABLE `gateway_model_definition_permissions` (
	`model_definition_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`permission` text NOT NULL,
	PRIMARY KEY(`user_id`, `model_definition_id`),
	FOREIGN KEY (`model_definition_id`) REFERENCES `gateway_model_definitions`(`model_definition_id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `gateway_model_definition_permissions_definition` ON `gateway_model_definition_permissions` (`model_definition_id`);--> statement-breakpoint
CREATE TABLE `gateway_secret_permissions` (
	`secret_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`permission` text NOT NULL,
	PRIMARY KEY(`user_id`, `secret_id`),
	FOREIGN KEY (`secret_id`) REFERENCES `gateway_secrets`(`secret_id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `gateway_secret_permissions_secret` ON `gateway_secret_permissions` (`secret_id`);