"""Operations on the database that views, jobs and the CLI share."""
